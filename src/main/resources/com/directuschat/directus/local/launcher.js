// Written by directus-chat. Runs one command (Directus) and stops it when our stdin closes,
// which happens when the JVM that started us goes away, even by SIGKILL: no orphaned Directus.
'use strict';
const { spawn } = require('child_process');
const [cmd, ...args] = process.argv.slice(2);
// detached: the command gets its own process group, so the whole group can be signalled at once.
const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
let stopping = false;
function signalGroup(signal) {
  try { process.kill(-child.pid, signal); } catch (e) { /* already gone */ }
}
function stop() {
  if (stopping) return;
  stopping = true;
  signalGroup('SIGTERM');
  setTimeout(() => { signalGroup('SIGKILL'); process.exit(1); }, 5000);
}
process.stdin.on('end', stop);
process.stdin.on('close', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', stop);
child.on('error', (e) => { console.error('launcher: cannot start ' + cmd + ': ' + e.message); process.exit(127); });
child.on('exit', (code, signal) => { signalGroup('SIGKILL'); process.exit(code === null ? 1 : code); });
