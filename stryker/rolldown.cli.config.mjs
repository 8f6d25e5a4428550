// The sandbox build for `npm run test:mutation`: the `osiris-provision` bundle only (the Electron
// bundles are not under mutation), exactly as rolldown.config.js builds it.
import configs from '../rolldown.config.js';

export default configs[0];
