"use client";

import { useEffect } from "react";

/**
 * Scrolls to the element when the address ends in #id. The browser's own jump happens while the HTML
 * is parsed, before a streamed section exists, so a filtered log would otherwise open at the page top.
 */
export function ScrollToHash({ id }: { id: string }) {
  useEffect(() => {
    if (window.location.hash === `#${id}`) document.getElementById(id)?.scrollIntoView({ block: "start" });
  }, [id]);
  return null;
}
