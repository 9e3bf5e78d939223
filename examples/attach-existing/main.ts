import { App } from 'amlcdk';
import { AttachExistingStack } from './stack.js';

const app = new App();
new AttachExistingStack(app, 'AttachExisting');
app.synth();
