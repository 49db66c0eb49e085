export { emit, emitSafely } from "./emit";
export { drainNotifications } from "./drain";
export { CHANNELS, DEFAULT_MATRIX, EVENT_TYPES, channelEnabled, effectiveMatrix, isLocked, quietUntil } from "./settings";
export type { ChannelSender, NotificationChannel, NotificationEventInput, NotificationEventType, RenderedMessage, SendResult } from "./types";
