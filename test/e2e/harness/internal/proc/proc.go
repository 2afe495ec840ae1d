// Package proc starts and supervises the component processes of the e2e
// harness: each writes to its own log file, dies with the harness, and is
// stopped with SIGTERM first so that it can clean up.
package proc

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Child is a started component process.
type Child struct {
	Name    string
	Cmd     *exec.Cmd
	LogPath string
	Done    chan struct{} // closed when the process has exited
	Err     error         // its exit status, valid once Done is closed
}

// Start runs bin with args in dir, its output going to <dir>/<name>.log.
// env, if not nil, is added to this process's environment.
func Start(dir, bin string, env []string, args ...string) (*Child, error) {
	name := filepath.Base(bin)
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = childProcAttr()
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &Child{Name: name, Cmd: cmd, LogPath: logPath, Done: make(chan struct{})}
	go func() {
		c.Err = cmd.Wait()
		logFile.Close()
		close(c.Done)
	}()
	return c, nil
}

// Stop asks the process to terminate and kills it if it has not within 15s.
func (c *Child) Stop() {
	select {
	case <-c.Done:
		return
	default:
	}
	_ = c.Cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.Done:
	case <-time.After(15 * time.Second):
		log.Printf("%s did not stop on SIGTERM, killing it", c.Name)
		_ = c.Cmd.Process.Kill()
		<-c.Done
	}
}

// WaitOK polls url until it answers 200, ctx ends, or c exits.
func WaitOK(ctx context.Context, client *http.Client, url string, c *Child) error {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	last := errors.New("no answer yet")
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return err
		}
		if resp, err := client.Do(req); err != nil {
			last = err
		} else {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Errorf("%s: %s", url, resp.Status)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w; last: %v", ctx.Err(), last)
		case <-c.Done:
			return fmt.Errorf("%s exited: %v", c.Name, c.Err)
		case <-tick.C:
		}
	}
}

// FreePort asks the kernel for an unused loopback port. Another process could
// take it before it is bound again; on a test machine's loopback that is rare.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
