export { AwaitReplyService, type AwaitReplyDeclaration, type AwaitReplyOptions } from './await-service.js';
export { ReplyWaits, type Reply } from './reply-waits.js';
export { feedReplies, type ReplySource } from './feed.js';
export { WaitingProcesses, type ProcessStateStore, type WaitingProcessesOptions } from './waiting-processes.js';
export { streamedReplies, type StreamedReplies, type StreamedRepliesOptions } from './event-stream.js';
