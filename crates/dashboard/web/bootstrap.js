// Loads the wasm module (wasm-bindgen `--target web` output) and starts the dashboard.
import init, { start } from './tradewire_dashboard.js';

init()
  .then(() => start())
  .catch((e) => {
    const notice = document.getElementById('notice');
    if (notice) notice.textContent = `error: could not start the dashboard: ${e}`;
    console.error(e);
  });
