import { App } from 'amlcdk';
import { SecureGpuTeamStack } from './stack.js';

const app = new App();
new SecureGpuTeamStack(app, 'SecureGpuTeam');
app.synth();
