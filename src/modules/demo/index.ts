/** The demo city: seeds every module's demo steps once (see demo.ts). */
export { isDemoSeeded, seedDemoCity } from './demo.js';
