import { mount } from 'svelte';
import App from './App.svelte';
import { loadCodeFont } from './lib/code-font';
import { Session } from './lib/session.svelte';
import './styles.css';
import './print.css';

const target = document.getElementById('app');
if (target === null) throw new Error('#app missing from index.html');
loadCodeFont();
const session = new Session();
mount(App, { target, props: { session } });
void session.check();
