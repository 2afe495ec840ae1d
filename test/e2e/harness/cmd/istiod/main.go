// Command istiod runs Istio's pilot-discovery as a local process against one
// cluster of the harness, as if it were the istiod Deployment: every port it
// serves is moved to a free loopback port, its working directory (where it
// writes its relative ./var/run/... and ./etc/... files) is -dir, and it reads
// the cluster through -kubeconfig instead of in-cluster credentials.
//
// The mesh configuration comes from the "istio" ConfigMap in -namespace, as
// in a Helm install of istio-discovery; -mesh-config points at a file instead.
//
// When /ready answers it prints one JSON line (see info) and writes it to
// <dir>/info.json, then runs until SIGINT/SIGTERM or until istiod exits.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"cdk8s-istio-multicluster/test/e2e/harness/internal/proc"
)

// info is what callers read to reach this istiod.
type info struct {
	ClusterID string `json:"clusterID"`
	Dir       string `json:"dir"`
	PID       int    `json:"pid"` // of pilot-discovery itself
	// host:port of each listener; HTTP serves /ready and /debug/*.
	HTTP         string  `json:"http"`
	HTTPS        string  `json:"https"`
	GRPC         string  `json:"grpc"`
	SecureGRPC   string  `json:"secureGRPC"`
	Monitoring   string  `json:"monitoring"`
	ReadySeconds float64 `json:"readySeconds"`
}

func main() {
	var (
		bin        = flag.String("pilot-discovery", defaultPilotDiscovery(), "pilot-discovery binary (default $ISTIO_BIN_DIR/pilot-discovery, else from PATH)")
		kubeconfig = flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig of the cluster istiod runs in")
		dir        = flag.String("dir", "", "working directory (logs, generated certificates); required")
		clusterID  = flag.String("cluster-id", "Kubernetes", "this cluster's name in the mesh (CLUSTER_ID)")
		namespace  = flag.String("namespace", "istio-system", "istiod's namespace (POD_NAMESPACE)")
		revision   = flag.String("revision", "default", "control plane revision (REVISION)")
		meshConfig = flag.String("mesh-config", "", "mesh config file; empty reads the istio ConfigMap")
		timeout    = flag.Duration("timeout", 3*time.Minute, "how long to wait for /ready")
		extraEnv   multiFlag
	)
	flag.Var(&extraEnv, "env", "extra NAME=VALUE for istiod's environment (repeatable), e.g. a PILOT_* feature flag")
	flag.Parse()
	log.SetPrefix("istiod[" + *clusterID + "] ")
	log.SetFlags(log.Ltime | log.Lmicroseconds)
	if *dir == "" || *kubeconfig == "" {
		log.Fatal("-dir and -kubeconfig are required")
	}
	if err := run(*bin, *kubeconfig, *dir, *clusterID, *namespace, *revision, *meshConfig, *timeout, extraEnv); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(bin, kubeconfig, dir, clusterID, namespace, revision, meshConfig string, timeout time.Duration, extraEnv []string) error {
	start := time.Now()
	// istiod runs in dir, so relative paths given here must not stay relative.
	if !strings.ContainsRune(bin, filepath.Separator) {
		found, err := exec.LookPath(bin)
		if err != nil {
			return err
		}
		bin = found
	}
	for _, p := range []*string{&bin, &kubeconfig, &dir, &meshConfig} {
		if *p == "" {
			continue
		}
		abs, err := filepath.Abs(*p)
		if err != nil {
			return err
		}
		*p = abs
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if meshConfig == "" {
		// A path that does not exist makes istiod fall back to the ConfigMap.
		meshConfig = filepath.Join(dir, "no-mesh-config-file")
	}
	var addrs [5]string
	for i := range addrs {
		port, err := proc.FreePort()
		if err != nil {
			return err
		}
		addrs[i] = "127.0.0.1:" + strconv.Itoa(port)
	}
	in := info{ClusterID: clusterID, Dir: dir,
		HTTP: addrs[0], HTTPS: addrs[1], GRPC: addrs[2], SecureGRPC: addrs[3], Monitoring: addrs[4]}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	env := append([]string{
		"KUBECONFIG=" + kubeconfig,
		"POD_NAMESPACE=" + namespace,
		"POD_NAME=istiod-local",
		"REVISION=" + revision,
		"CLUSTER_ID=" + clusterID,
		// The in-cluster defaults these replace would name files under /var/run/secrets.
		"PILOT_CERT_PROVIDER=istiod",
		"JWT_POLICY=third-party-jwt",
	}, extraEnv...)
	istiod, err := proc.Start(dir, bin, env,
		"discovery",
		"--kubeconfig="+kubeconfig,
		"--meshConfig="+meshConfig,
		"--networksConfig="+filepath.Join(dir, "no-mesh-networks-file"),
		"--httpAddr="+in.HTTP,
		"--httpsAddr="+in.HTTPS,
		"--grpcAddr="+in.GRPC,
		"--secureGRPCAddr="+in.SecureGRPC,
		"--monitoringAddr="+in.Monitoring,
		"--shutdownDuration=1s",
		"--log_output_level=default:info",
	)
	if err != nil {
		return err
	}
	defer istiod.Stop()
	in.PID = istiod.Cmd.Process.Pid

	readyCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	client := &http.Client{Timeout: 5 * time.Second}
	if err := proc.WaitOK(readyCtx, client, "http://"+in.HTTP+"/ready", istiod); err != nil {
		return fmt.Errorf("istiod not ready: %w (log: %s)", err, istiod.LogPath)
	}
	in.ReadySeconds = time.Since(start).Seconds()

	line, _ := json.Marshal(in)
	if err := os.WriteFile(filepath.Join(dir, "info.json"), append(line, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println(string(line))
	log.Printf("ready in %.1fs; log %s", in.ReadySeconds, istiod.LogPath)

	select {
	case <-ctx.Done():
		log.Printf("stopping")
		return nil
	case <-istiod.Done:
		return errors.Join(fmt.Errorf("pilot-discovery exited (log: %s)", istiod.LogPath), istiod.Err)
	}
}

func defaultPilotDiscovery() string {
	if d := os.Getenv("ISTIO_BIN_DIR"); d != "" {
		return filepath.Join(d, "pilot-discovery")
	}
	return "pilot-discovery"
}

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return fmt.Sprint(*m) }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }
