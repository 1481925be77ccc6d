// Every answer a sink reads is capped: the generic helpers live in net (src/net/read-body.ts), where
// the token providers and the ARM client use them too; re-exported here so sinks keep importing them.
export { MAX_ANSWER_BYTES, abortable, isValidHeaderValue, readCapped, type CappedBody } from '../net/read-body';
