/** A node of an `EXPLAIN (ANALYZE, FORMAT JSON)` plan, with what it read and dropped. */
export type PlanNode = {
  "Node Type": string;
  "Rows Removed by Join Filter"?: number;
  "Rows Removed by Filter"?: number;
  "Rows Removed by Index Recheck"?: number;
  Plans?: PlanNode[];
};

/** Nodes that read the statement's own values (its parameters, its CTEs), not a table. */
const OWN_VALUES = new Set(["CTE Scan", "Function Scan"]);

/**
 * Rows the plan read and then dropped (filters, join filters, index rechecks), over all its
 * nodes; a filter on the statement's own values (splitting its parameters) drops no table rows.
 */
export const rowsRemoved = (node: PlanNode): number =>
  (node["Rows Removed by Join Filter"] ?? 0) +
  (OWN_VALUES.has(node["Node Type"]) ? 0 : (node["Rows Removed by Filter"] ?? 0)) +
  (node["Rows Removed by Index Recheck"] ?? 0) +
  (node.Plans ?? []).reduce((sum, child) => sum + rowsRemoved(child), 0);
