import { App } from 'amlcdk';
import { IdentityGrantsStack } from './stack.js';

const app = new App();
new IdentityGrantsStack(app, 'IdentityGrants');
app.synth();
