// Command kube runs one throw-away Kubernetes control plane as local
// processes: etcd embedded in this process, then kube-apiserver and
// kube-controller-manager (binaries built by test/e2e/build.sh) as children.
// There is no kubelet, scheduler or network: the cluster stores and serves
// API objects, which is all that installing Istio's configuration and running
// istiod against it need.
//
// When the cluster is ready it prints one JSON line (see clusterInfo) on
// stdout and writes it to <dir>/info.json, then runs until SIGINT/SIGTERM,
// or until a child dies, and stops everything it started.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"go.etcd.io/etcd/server/v3/embed"

	"cdk8s-istio-multicluster/test/e2e/harness/internal/proc"
)

// clusterInfo is what callers (scripts, tests) read to reach the cluster.
type clusterInfo struct {
	Name       string `json:"name"`
	Dir        string `json:"dir"`
	Kubeconfig string `json:"kubeconfig"`
	Server     string `json:"server"`
	Etcd       string `json:"etcd"`
	PID        int    `json:"pid"`
	// Seconds from starting kube-apiserver to its /readyz answering 200.
	APIServerReadySeconds float64 `json:"apiserverReadySeconds"`
	// Seconds from starting this program to the cluster being usable.
	TotalReadySeconds float64 `json:"totalReadySeconds"`
}

type options struct {
	name        string
	dir         string
	binDir      string
	keep        bool
	serviceCIDR string
	issuer      string
	verbosity   int
	timeout     time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.name, "name", "cluster1", "cluster name, used for the kubeconfig's cluster, user and context")
	flag.StringVar(&o.dir, "dir", "", "state directory (certificates, etcd data, logs, kubeconfig); a new temporary one if empty")
	flag.StringVar(&o.binDir, "bin-dir", os.Getenv("KUBE_BIN_DIR"), "directory holding kube-apiserver and kube-controller-manager (default $KUBE_BIN_DIR)")
	flag.BoolVar(&o.keep, "keep", false, "keep the state directory on exit (a -dir given is always kept)")
	flag.StringVar(&o.serviceCIDR, "service-cidr", "10.96.0.0/16", "service IP range; only allocated from, never routed")
	flag.StringVar(&o.issuer, "issuer", "https://kubernetes.default.svc.cluster.local", "service-account token issuer")
	flag.IntVar(&o.verbosity, "v", 1, "klog verbosity of the Kubernetes components")
	flag.DurationVar(&o.timeout, "timeout", 3*time.Minute, "how long to wait for the cluster to become ready")
	flag.Parse()
	log.SetPrefix("kube[" + o.name + "] ")
	log.SetFlags(log.Ltime | log.Lmicroseconds)

	if err := run(o); err != nil {
		log.Printf("error: %v", err)
		os.Exit(1)
	}
}

func run(o options) (err error) {
	start := time.Now()
	if o.binDir == "" {
		return errors.New("-bin-dir (or $KUBE_BIN_DIR) is required")
	}
	if o.dir == "" {
		if o.dir, err = os.MkdirTemp("", "e2e-kube-"+o.name+"-"); err != nil {
			return err
		}
		if !o.keep {
			defer os.RemoveAll(o.dir)
		}
	} else if err = os.MkdirAll(o.dir, 0o700); err != nil {
		return err
	}
	// The components run in o.dir and are given paths below it.
	if o.dir, err = filepath.Abs(o.dir); err != nil {
		return err
	}
	if o.binDir, err = filepath.Abs(o.binDir); err != nil {
		return err
	}

	// Stop on a signal at any stage, including while waiting for readiness.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// The apiserver gives its own Service the range's first address, and
	// clients inside a real cluster would reach it there: put it in the cert.
	prefix, err := netip.ParsePrefix(o.serviceCIDR)
	if err != nil {
		return fmt.Errorf("-service-cidr: %w", err)
	}
	serviceIP := net.IP(prefix.Masked().Addr().Next().AsSlice())
	p, err := makePKI(filepath.Join(o.dir, "pki"), serviceIP)
	if err != nil {
		return fmt.Errorf("pki: %w", err)
	}

	etcd, err := startEtcd(filepath.Join(o.dir, "etcd"))
	if err != nil {
		return fmt.Errorf("etcd: %w", err)
	}
	defer etcd.Close()
	etcdURL := etcd.Clients[0].Addr().String()

	apiPort, err := proc.FreePort()
	if err != nil {
		return err
	}
	server := "https://127.0.0.1:" + strconv.Itoa(apiPort)
	v := "--v=" + strconv.Itoa(o.verbosity)
	apiStart := time.Now()
	apiserver, err := proc.Start(o.dir, filepath.Join(o.binDir, "kube-apiserver"), nil,
		"--etcd-servers=http://"+etcdURL,
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(apiPort),
		// Loopback is never published: the endpoint reconciler is off, since
		// Endpoints may not hold a loopback address and nothing routes to the
		// "kubernetes" Service here anyway.
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none",
		"--tls-cert-file="+p.ServingCert,
		"--tls-private-key-file="+p.ServKey,
		"--client-ca-file="+p.CACert,
		"--service-account-issuer="+o.issuer,
		"--service-account-key-file="+p.SAPub,
		"--service-account-signing-key-file="+p.SAKey,
		"--service-cluster-ip-range="+o.serviceCIDR,
		"--authorization-mode=RBAC",
		"--allow-privileged=true",
		"--profiling=false",
		"--cert-dir="+filepath.Join(o.dir, "apiserver-certs"),
		v,
	)
	if err != nil {
		return err
	}
	defer apiserver.Stop()

	client, err := adminClient(p)
	if err != nil {
		return err
	}
	readyCtx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()
	if err := proc.WaitOK(readyCtx, client, server+"/readyz", apiserver); err != nil {
		return fmt.Errorf("kube-apiserver not ready: %w (log: %s)", err, apiserver.LogPath)
	}
	apiReady := time.Since(apiStart)

	kubeconfig := filepath.Join(o.dir, "kubeconfig")
	if err := writeKubeconfig(kubeconfig, o.name, server, p.caPEM, p.adminCertPEM, p.adminKeyPEM); err != nil {
		return err
	}
	kcmKubeconfig := filepath.Join(o.dir, "kcm.kubeconfig")
	if err := writeKubeconfig(kcmKubeconfig, o.name, server, p.caPEM, p.kcmCertPEM, p.kcmKeyPEM); err != nil {
		return err
	}

	// Only the controllers that API-only tests rely on: token Secrets get
	// their token and ca.crt (istioctl create-remote-secret waits for that),
	// namespaces get their default ServiceAccount and kube-root-ca.crt and can
	// be deleted, and owner references are honoured.
	kcm, err := proc.Start(o.dir, filepath.Join(o.binDir, "kube-controller-manager"), nil,
		"--kubeconfig="+kcmKubeconfig,
		"--controllers=serviceaccount-token-controller,serviceaccount-controller,"+
			"namespace-controller,garbage-collector-controller,root-ca-certificate-publisher-controller",
		"--use-service-account-credentials=true",
		"--service-account-private-key-file="+p.SAKey,
		"--root-ca-file="+p.CACert,
		"--leader-elect=false",
		// No serving port: two clusters would fight over the default one, and
		// readiness is judged from the API below instead.
		"--secure-port=0",
		v,
	)
	if err != nil {
		return err
	}
	defer kcm.Stop()
	// The default ServiceAccount appears once the controllers are running.
	if err := proc.WaitOK(readyCtx, client, server+"/api/v1/namespaces/default/serviceaccounts/default", kcm); err != nil {
		return fmt.Errorf("kube-controller-manager not working: %w (log: %s)", err, kcm.LogPath)
	}

	info := clusterInfo{
		Name: o.name, Dir: o.dir, Kubeconfig: kubeconfig, Server: server, Etcd: "http://" + etcdURL,
		PID:                   os.Getpid(),
		APIServerReadySeconds: apiReady.Seconds(),
		TotalReadySeconds:     time.Since(start).Seconds(),
	}
	line, _ := json.Marshal(info)
	if err := os.WriteFile(filepath.Join(o.dir, "info.json"), append(line, '\n'), 0o644); err != nil {
		return err
	}
	fmt.Println(string(line))
	log.Printf("ready in %.1fs (apiserver %.1fs); kubeconfig %s", info.TotalReadySeconds, info.APIServerReadySeconds, kubeconfig)

	select {
	case <-ctx.Done():
		log.Printf("stopping")
		return nil
	case <-apiserver.Done:
		return fmt.Errorf("kube-apiserver exited: %v (log: %s)", apiserver.Err, apiserver.LogPath)
	case <-kcm.Done:
		return fmt.Errorf("kube-controller-manager exited: %v (log: %s)", kcm.Err, kcm.LogPath)
	case err := <-etcd.Err():
		return fmt.Errorf("etcd: %w", err)
	}
}

// startEtcd runs a single-member etcd on loopback ports chosen now.
func startEtcd(dir string) (*embed.Etcd, error) {
	clientPort, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	peerPort, err := proc.FreePort()
	if err != nil {
		return nil, err
	}
	cfg := embed.NewConfig()
	cfg.Name = "e2e"
	cfg.Dir = dir
	clientURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(clientPort)}
	peerURL := url.URL{Scheme: "http", Host: "127.0.0.1:" + strconv.Itoa(peerPort)}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{clientURL}, []url.URL{clientURL}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peerURL}, []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	// The data is thrown away after the test: durability buys nothing.
	cfg.UnsafeNoFsync = true
	// At "warn" etcd logs every request it finds slow, which on a busy CI
	// machine is most of them.
	cfg.LogLevel = "error"
	cfg.LogOutputs = []string{dir + ".log"}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, err
	}
	select {
	case <-e.Server.ReadyNotify():
		return e, nil
	case <-time.After(time.Minute):
		e.Close()
		return nil, errors.New("not ready after 1m")
	}
}

// adminClient is an HTTPS client authenticating as the cluster admin.
func adminClient(p *pki) (*http.Client, error) {
	cert, err := tls.X509KeyPair(p.adminCertPEM, p.adminKeyPEM)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(p.caPEM)
	return &http.Client{
		Timeout: 5 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{
			RootCAs: pool, Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12,
		}},
	}, nil
}
