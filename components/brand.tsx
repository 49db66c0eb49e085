import { Zap } from "lucide-react";
import { cn } from "@/lib/utils";

export function Brand({ className, name }: { className?: string; name: string }) {
  return (
    <span className={cn("inline-flex items-center gap-2 font-semibold tracking-tight", className)}>
      <span className="flex size-8 items-center justify-center rounded-lg bg-gradient-to-br from-indigo-500 to-violet-600 text-white shadow-sm">
        <Zap className="size-4" fill="currentColor" />
      </span>
      {name}
    </span>
  );
}
