"use client";

import * as React from "react";
import dynamic from "next/dynamic";
import { Slot } from "radix-ui";
import type { Dialog as RadixDialog } from "radix-ui";
import { cn } from "@/lib/utils";

// Radix's dialog (focus trap, scroll lock, dismissable layer, portal) is ~20 kB gzip that a page needs only
// once a dialog opens. The root, trigger and close here are plain React; the content loads on first open.
export interface DialogState {
  open: boolean;
  setOpen: (open: boolean) => void;
  triggerRef: React.RefObject<HTMLElement | null>;
}
export type DialogContentProps = React.ComponentProps<typeof RadixDialog.Content> & { closeLabel?: string };

const State = React.createContext<DialogState | null>(null);
/** Radix's parts (Title, Description), given by the loaded content to what renders inside it. */
const Parts = React.createContext<typeof RadixDialog | null>(null);
export const DialogParts = Parts.Provider;

function useDialog(part: string) {
  const state = React.useContext(State);
  if (!state) throw new Error(`<${part}> must be inside <Dialog>`);
  return state;
}

function useParts(part: string) {
  const parts = React.useContext(Parts);
  if (!parts) throw new Error(`<${part}> must be inside <DialogContent>`);
  return parts;
}

export function Dialog({ open = false, onOpenChange, children }: { open?: boolean; onOpenChange?: (open: boolean) => void; children?: React.ReactNode }) {
  const triggerRef = React.useRef<HTMLElement | null>(null);
  const state = React.useMemo(() => ({ open, setOpen: (next: boolean) => onOpenChange?.(next), triggerRef }), [open, onOpenChange]);
  return <State.Provider value={state}>{children}</State.Provider>;
}

export function DialogTrigger({ asChild, onClick, ...props }: React.ComponentProps<"button"> & { asChild?: boolean }) {
  const { open, setOpen, triggerRef } = useDialog("DialogTrigger");
  const Comp = asChild ? Slot.Root : "button";
  return (
    <Comp
      type="button"
      aria-haspopup="dialog"
      aria-expanded={open}
      data-state={open ? "open" : "closed"}
      {...props}
      ref={triggerRef as React.Ref<HTMLButtonElement>}
      onClick={(event: React.MouseEvent<HTMLButtonElement>) => {
        onClick?.(event);
        if (!event.defaultPrevented) setOpen(!open);
      }}
    />
  );
}

export function DialogClose({ asChild, onClick, ...props }: React.ComponentProps<"button"> & { asChild?: boolean }) {
  const state = useDialog("DialogClose");
  const Comp = asChild ? Slot.Root : "button";
  return (
    <Comp
      type="button"
      {...props}
      onClick={(event: React.MouseEvent<HTMLButtonElement>) => {
        onClick?.(event);
        if (!event.defaultPrevented) state.setOpen(false);
      }}
    />
  );
}

const Loaded = dynamic(() => import("./dialog-parts").then((m) => m.LoadedDialog), { ssr: false });

function LazyContent({ kind, ...props }: DialogContentProps & { kind: "dialog" | "sheet" }) {
  const state = useDialog("DialogContent");
  // Mounted from the first opening on, so Radix runs its own closing (focus back, scroll unlocked).
  const [opened, setOpened] = React.useState(state.open);
  if (state.open && !opened) setOpened(true);
  return opened ? <Loaded state={state} kind={kind} {...props} /> : null;
}

export function DialogContent(props: DialogContentProps) {
  return <LazyContent kind="dialog" {...props} />;
}

/** A panel sliding from the left: the phone navigation. */
export function SheetContent(props: DialogContentProps) {
  return <LazyContent kind="sheet" {...props} />;
}

export function DialogHeader({ className, ...props }: React.ComponentProps<"div">) {
  return <div className={cn("flex flex-col gap-1.5 text-left", className)} {...props} />;
}

export function DialogFooter({ className, ...props }: React.ComponentProps<"div">) {
  return <div className={cn("flex flex-col-reverse gap-2 sm:flex-row sm:justify-end", className)} {...props} />;
}

export function DialogTitle({ className, ...props }: React.ComponentProps<typeof RadixDialog.Title>) {
  const { Title } = useParts("DialogTitle");
  return <Title className={cn("text-lg font-semibold", className)} {...props} />;
}

export function DialogDescription({ className, ...props }: React.ComponentProps<typeof RadixDialog.Description>) {
  const { Description } = useParts("DialogDescription");
  return <Description className={cn("text-sm text-muted-foreground", className)} {...props} />;
}
