"use client";

import * as React from "react";
import { Dialog as Primitive } from "radix-ui";
import { X } from "lucide-react";
import { cn } from "@/lib/utils";
import { DialogParts, type DialogContentProps, type DialogState } from "./dialog";

const boxes = {
  dialog:
    "fixed left-1/2 top-1/2 z-50 grid w-[calc(100%-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 gap-4 rounded-xl border bg-background p-6 shadow-xl",
  sheet: "fixed inset-y-0 left-0 z-50 flex h-full w-72 max-w-[85vw] flex-col border-r bg-sidebar shadow-xl",
};
const closes = {
  dialog:
    "absolute right-4 top-4 rounded-sm opacity-70 transition-opacity hover:opacity-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-ring",
  sheet:
    "absolute right-3 top-4 rounded-md p-1.5 text-sidebar-foreground/70 transition-colors hover:bg-white/10 hover:text-white focus:outline-none focus-visible:ring-2 focus-visible:ring-white/40",
};

/** The Radix dialog itself, loaded the first time a dialog opens (see ./dialog). */
export function LoadedDialog({
  state,
  kind,
  className,
  children,
  closeLabel = "Close",
  onCloseAutoFocus,
  ...props
}: DialogContentProps & { state: DialogState; kind: "dialog" | "sheet" }) {
  return (
    <Primitive.Root open={state.open} onOpenChange={state.setOpen}>
      <DialogParts value={Primitive}>
        <Primitive.Portal>
          <Primitive.Overlay className="fixed inset-0 z-50 bg-black/50 backdrop-blur-[1px]" />
          <Primitive.Content
            className={cn(boxes[kind], className)}
            // The trigger lives outside this Root (it renders before Radix loads): focus goes back to it here.
            onCloseAutoFocus={(event) => {
              onCloseAutoFocus?.(event);
              if (event.defaultPrevented) return;
              event.preventDefault();
              state.triggerRef.current?.focus();
            }}
            {...props}
          >
            {children}
            <Primitive.Close className={closes[kind]}>
              <X className="size-4" />
              <span className="sr-only">{closeLabel}</span>
            </Primitive.Close>
          </Primitive.Content>
        </Primitive.Portal>
      </DialogParts>
    </Primitive.Root>
  );
}
