// The enrichment store: the only code that reads or writes tasks' state, rows.cell_states and
// the job counter shards. Each file is one operation; run.ts decides which driver runs a
// statement; cell-states.ts and counters.ts build the only SQL that touches those columns.

export { abandonTasks } from "./abandon";
export { CANCELLED_ERROR, failRemainingTasks, markJobCancelled, settleCancelledTasks } from "./cancel";
export { type CellChange, type CellState, readCellChanges } from "./cell-changes";
export { type CellStateDto, type CellStates, cellConfidenceOf, cellStatusOf, readCellStates } from "./cell-states";
export { type ClaimedTask, claimTasks, peekRecipeTasks, requeueTasks } from "./claim";
export { type CompactedBatch, compactTaskBatch, type DueJob, markJobCompacted, readNextDueJob } from "./compact";
export { COUNTER_SHARDS } from "./counters";
export {
  countRetryableTasks,
  insertCellTasks,
  insertFilteredGridTasks,
  insertGridTasks,
  insertRetryTasks,
  queueJobCells,
  retryableCells,
} from "./create-tasks";
export { withDbRetry } from "./db-retry";
export { EDITED_ERROR, endEditedCells, restoreEnrichedCells } from "./edited-cells";
export { type FinishedTask, finalizeJobs, finishTasks, noteAttemptError, type TaskResult } from "./finish";
export {
  finishKeyRemovals,
  type KeyRemoval,
  keysBeingRemoved,
  startKeyRemoval,
  stripRemovedKey,
} from "./forget-column";
export { markJobStarted, readUnfinishedTaskIds, recordJobError } from "./job-runs";
export { readJob, readJobs } from "./jobs";
export {
  blockJobProvider,
  type CallRow,
  type NewCall,
  type RowContextEntry,
  readJobBlocks,
  readRowContext,
  readTaskCalls,
  recordProviderCalls,
  recordProviderCallsOf,
} from "./provider-calls";
export { claimRedrive, readStalledJobs, readUnfinishedChunks, type StalledJob } from "./stalled-jobs";
export { readChangedInputs, readTaskStates, type TaskState } from "./task-states";
export type { FinalTaskStatus, JobRecord, JobStatus, TaskStatus } from "./types";
