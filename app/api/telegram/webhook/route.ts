import { handleTelegramWebhook } from "@/lib/telegram";

export const dynamic = "force-dynamic";

export const POST = handleTelegramWebhook;
