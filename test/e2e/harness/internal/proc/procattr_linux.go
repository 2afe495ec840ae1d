package proc

import "syscall"

// childProcAttr makes the kernel kill a component when this process dies,
// however it dies, so a crashed or killed harness leaves no orphans behind.
func childProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
