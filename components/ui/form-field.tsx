import * as React from "react";
import { Input } from "./input";
import { Label } from "./label";

/** A labelled input with its hint and field errors wired for screen readers. */
export function FormField({
  name,
  label,
  hint,
  errors,
  ...props
}: React.ComponentProps<"input"> & { name: string; label: string; hint?: string; errors?: string[] }) {
  const id = props.id ?? `field-${name}`;
  const describedBy = [hint ? `${id}-hint` : null, errors?.length ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="grid gap-2">
      <Label htmlFor={id}>{label}</Label>
      <Input id={id} name={name} aria-invalid={errors?.length ? true : undefined} aria-describedby={describedBy || undefined} {...props} />
      {hint && !errors?.length ? (
        <p id={`${id}-hint`} className="text-xs text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {errors?.length ? (
        <p id={`${id}-error`} className="text-xs font-medium text-destructive" data-testid={`error-${name}`}>
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
