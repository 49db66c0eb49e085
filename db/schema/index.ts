export * from "./users";
export * from "./audit";
export * from "./exchange";
export * from "./signals";
export * from "./security";
export * from "./pnl";
export * from "./fills";
