import { App } from 'amlcdk';
import { QuickstartStack } from './stack.js';

const app = new App();
new QuickstartStack(app, 'Quickstart');
app.synth();
