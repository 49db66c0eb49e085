/** "order.filled" -> "orderFilled": the key of an event type in messages/*.notifications.json. */
export function typeKey(type: string): string {
  return type.replace(/[._](\w)/g, (_, c: string) => c.toUpperCase());
}
