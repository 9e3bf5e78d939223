/**
 * A parsed JSON document in a test (a manifest body, a plan, a report): the assertions check its shape, so the test
 * reads it freely. This is the suite's one `any`; lib/ has none.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;
