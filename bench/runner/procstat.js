// Reads CPU time and memory of processes from /proc. CPU time is utime + stime (fields 14 and 15 of
// /proc/PID/stat, every thread of the process included), converted from clock ticks to microseconds.
'use strict';

const fs = require('fs');
const { execFileSync } = require('child_process');

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

// Fields after the command name, which may itself hold spaces and parentheses.
function statFields(pid) {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

// Field N of the man page is index N - 3 of statFields.
function cpuMicros(pid) {
  const f = statFields(pid);
  return ((Number(f[11]) + Number(f[12])) * 1e6) / ticksPerSecond;
}

// CPU time of the children this process has waited for (cutime + cstime): how a finished wrk's CPU is read.
function reapedChildrenCpuMicros() {
  const f = statFields('self');
  return ((Number(f[13]) + Number(f[14])) * 1e6) / ticksPerSecond;
}

function rssBytes(pid) {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return line ? Number(line.replace(/\D+/g, '')) * 1024 : NaN;
}

function loadAverage() {
  return fs.readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}

module.exports = { cpuMicros, reapedChildrenCpuMicros, rssBytes, loadAverage };
