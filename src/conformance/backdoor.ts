/** The backdoor interface lives in the spec, so adapters' fakes can implement it; re-exported here. */
export type { Backdoor, BackdoorRoom } from '../spec/index.js';
