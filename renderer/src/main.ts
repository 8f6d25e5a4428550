import { mount } from 'svelte';
import App from './App.svelte';
import { getBridge } from './lib/bridge';
import { Wizard } from './lib/wizard.svelte';
import './styles.css';

const target = document.getElementById('app');
if (target === null) throw new Error('#app missing from index.html');
const wizard = new Wizard(getBridge());
mount(App, { target, props: { wizard } });
void wizard.start();
