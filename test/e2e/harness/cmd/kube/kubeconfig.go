package main

import (
	"encoding/base64"
	"fmt"
	"os"
)

// writeKubeconfig writes a kubeconfig with one cluster, user and context, all
// named name, with the credentials inlined so the file can be copied around
// (istioctl create-remote-secret and Helm read it as any kubeconfig).
func writeKubeconfig(path, name, server string, caPEM, certPEM, keyPEM []byte) error {
	b64 := base64.StdEncoding.EncodeToString
	cfg := fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: %[1]s
  cluster:
    server: %[2]s
    certificate-authority-data: %[3]s
users:
- name: %[1]s
  user:
    client-certificate-data: %[4]s
    client-key-data: %[5]s
contexts:
- name: %[1]s
  context:
    cluster: %[1]s
    user: %[1]s
current-context: %[1]s
`, name, server, b64(caPEM), b64(certPEM), b64(keyPEM))
	return os.WriteFile(path, []byte(cfg), 0o600)
}
