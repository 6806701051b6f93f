/** The backdoor interface lives in the testing kit, so vendor fakes can implement it; re-exported here. */
export type { Backdoor, BackdoorRoom } from '../testing/index.js';
