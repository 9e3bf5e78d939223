import { App } from 'amlcdk';
import { InsecureStack } from './stack.js';

const app = new App();
new InsecureStack(app, 'Insecure');
app.synth();
