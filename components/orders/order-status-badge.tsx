import { getTranslations } from "next-intl/server";
import { Badge } from "@/components/ui/badge";

const VARIANT: Record<string, "success" | "warning" | "destructive" | "secondary" | "outline"> = {
  filled: "success",
  open: "warning",
  partially_filled: "warning",
  sending: "secondary",
  unknown: "secondary",
  canceled: "outline",
  expired: "outline",
  rejected: "destructive",
};

export async function OrderStatusBadge({ status }: { status: string }) {
  const t = await getTranslations("orders.status");
  return (
    <Badge variant={VARIANT[status] ?? "outline"} data-testid="order-status">
      {t.has(status) ? t(status) : status}
    </Badge>
  );
}
