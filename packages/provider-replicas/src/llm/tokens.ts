// Token counts for `usage` and the tokens-per-minute limit. A real tokenizer is not needed
// for a replica; OpenAI's rule of thumb (about 4 characters per token) keeps the numbers
// realistic, and the per-message overhead mirrors the chat format's.

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function promptTokens(messages: unknown[]): number {
  let total = 3;
  for (const message of messages) total += 4 + estimateTokens(JSON.stringify(message ?? ""));
  return total;
}

/** OpenAI's reset format: "1s", "6m0s", "17ms", "1h2m3s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const totalSeconds = ms / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const secondsText = `${Number.isInteger(seconds) ? seconds : seconds.toFixed(3).replace(/0+$/, "")}s`;
  if (hours > 0) return `${hours}h${minutes}m${secondsText}`;
  if (minutes > 0) return `${minutes}m${secondsText}`;
  return secondsText;
}
