export { createLinkCode } from "./codes";
export { LINK_CODE_MINUTES, telegramConfig } from "./config";
export { telegramSender, TelegramSendError } from "./sender";
export { handleTelegramWebhook } from "./webhook";
