//go:build !linux

package proc

import "syscall"

// childProcAttr: outside Linux there is no parent-death signal; the harness
// stops its children itself on a clean exit.
func childProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
