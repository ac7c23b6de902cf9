import './duration.test.js';
import { report } from './harness.js';

report();
