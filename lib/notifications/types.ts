/**
 * The contract between the notification outbox (lib/notifications) and its channels
 * (email in lib/notifications, Telegram in lib/telegram). The drain renders a message in the
 * user's language and hands it to a channel sender; a sender throws on a transient failure (the
 * drain retries with backoff) and answers "skipped" when the channel cannot reach the user
 * (not configured, not linked).
 */
export type NotificationChannel = "email" | "telegram" | "inapp";

export type NotificationEventType =
  | "order.placed"
  | "order.filled"
  | "order.canceled"
  | "order.rejected"
  | "order.skipped"
  | "exit.take_profit"
  | "exit.stop_loss"
  | "position.unprotected"
  | "strategy.stopped"
  | "key.failing"
  | "position.mismatch"
  | "security.alert"
  | "daily.summary"
  | "rebalance.run";

export interface RenderedMessage {
  subject: string;
  /** Plain text; Telegram sends this (at most 4,096 characters). */
  text: string;
  html: string;
}

export type SendResult = { status: "sent"; id: string } | { status: "skipped"; reason: string };

export interface ChannelSender {
  channel: Exclude<NotificationChannel, "inapp">;
  /** Whether the operator configured the channel at all (a bot token for Telegram). */
  configured(): boolean;
  /**
   * Sends one (possibly grouped) message to one user. `deliveryKey` is unique per event group
   * and channel and stable across retries: a sender that can pass an idempotency key on does so.
   */
  send(input: { userId: string; deliveryKey: string; message: RenderedMessage }): Promise<SendResult>;
}

/** What `emit` writes to the outbox: `dedupeKey` is unique per change, so a change emits once. */
export interface NotificationEventInput {
  userId: string;
  type: NotificationEventType;
  dedupeKey: string;
  /** What the message needs (names, symbols, amounts as exact strings, codes): never secrets. */
  payload: Record<string, string | number | boolean | null>;
}
