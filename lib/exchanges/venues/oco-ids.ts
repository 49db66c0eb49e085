/**
 * Client order ids of a native take-profit / stop-loss pair, derived from one stem so either leg's id
 * leads back to the pair's id. OKX keeps the pair as one algo order under one `algoClOrdId`: the row of
 * each leg is found by its own id alone (after a lost answer, in the order monitor) only because the
 * pair's id can be computed from it. Our ids are "sb" + hex; these end in a letter no other id ends in.
 */
const LEG = /^(sb[0-9a-f]{29})([ts])$/;

export function ocoLegIds(base: string): { list: string; tp: string; sl: string } {
  const stem = base.slice(0, 31);
  return { list: `${stem}o`, tp: `${stem}t`, sl: `${stem}s` };
}

/** The pair's id and which leg this is, for a leg id made by `ocoLegIds`; null for any other id. */
export function ocoLegOf(clientOrderId: string): { list: string; leg: "tp" | "sl" } | null {
  const match = LEG.exec(clientOrderId);
  return match ? { list: `${match[1]}o`, leg: match[2] === "t" ? "tp" : "sl" } : null;
}
