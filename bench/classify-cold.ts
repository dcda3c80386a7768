// Child process for bench/classify.ts: how long from nothing loaded to the first label.
const started = performance.now();
const { defaultModel } = await import('../src/classify/model.ts');
const model = defaultModel();
model.classify('Warm-up sentence about AI in animation.');
const loadedMs = performance.now() - started;
const stdoutBytes = 0;
console.log(JSON.stringify({ loadedMs: Math.round(loadedMs), stdoutBytes }));
