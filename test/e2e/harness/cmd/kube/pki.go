package main

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// pki holds the file paths of one cluster's credentials. Every cluster gets
// its own CA and service-account key, as real clusters do, so that tests of
// cross-cluster trust (remote secrets) cannot pass by accident.
type pki struct {
	CACert, CAKey         string
	ServingCert, ServKey  string
	AdminCert, AdminKey   string
	KCMCert, KCMKey       string
	SAPub, SAKey          string
	caPEM, adminCertPEM   []byte
	adminKeyPEM           []byte
	kcmCertPEM, kcmKeyPEM []byte
}

// issued is a certificate and its key, both PEM-encoded.
type issued struct {
	cert            *x509.Certificate
	key             crypto.Signer
	certPEM, keyPEM []byte
}

// makePKI writes a CA, the apiserver's serving certificate, client
// certificates for the admin and the controller-manager, and the
// service-account signing key pair under dir.
func makePKI(dir string, serviceIP net.IP) (*pki, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	ca, err := newCert(nil, x509.Certificate{
		Subject:               pkix.Name{CommonName: "e2e-kubernetes-ca"},
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	})
	if err != nil {
		return nil, err
	}
	serving, err := newCert(ca, x509.Certificate{
		Subject:     pkix.Name{CommonName: "kube-apiserver"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames: []string{"localhost", "kubernetes", "kubernetes.default",
			"kubernetes.default.svc", "kubernetes.default.svc.cluster.local"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback, serviceIP},
	})
	if err != nil {
		return nil, err
	}
	client := func(cn string, groups ...string) (*issued, error) {
		return newCert(ca, x509.Certificate{
			Subject:     pkix.Name{CommonName: cn, Organization: groups},
			KeyUsage:    x509.KeyUsageDigitalSignature,
			ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		})
	}
	admin, err := client("e2e-admin", "system:masters")
	if err != nil {
		return nil, err
	}
	// The bootstrap RBAC policy already binds this user name; the
	// controllers themselves run under their own service accounts.
	kcm, err := client("system:kube-controller-manager")
	if err != nil {
		return nil, err
	}
	// RSA because RS256 is what every token consumer (istiod included) accepts.
	saKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	saPub, err := x509.MarshalPKIXPublicKey(&saKey.PublicKey)
	if err != nil {
		return nil, err
	}

	p := &pki{
		CACert: filepath.Join(dir, "ca.crt"), CAKey: filepath.Join(dir, "ca.key"),
		ServingCert: filepath.Join(dir, "apiserver.crt"), ServKey: filepath.Join(dir, "apiserver.key"),
		AdminCert: filepath.Join(dir, "admin.crt"), AdminKey: filepath.Join(dir, "admin.key"),
		KCMCert: filepath.Join(dir, "kcm.crt"), KCMKey: filepath.Join(dir, "kcm.key"),
		SAPub: filepath.Join(dir, "sa.pub"), SAKey: filepath.Join(dir, "sa.key"),
		caPEM: ca.certPEM, adminCertPEM: admin.certPEM, adminKeyPEM: admin.keyPEM,
		kcmCertPEM: kcm.certPEM, kcmKeyPEM: kcm.keyPEM,
	}
	files := map[string][]byte{
		p.CACert: ca.certPEM, p.CAKey: ca.keyPEM,
		p.ServingCert: serving.certPEM, p.ServKey: serving.keyPEM,
		p.AdminCert: admin.certPEM, p.AdminKey: admin.keyPEM,
		p.KCMCert: kcm.certPEM, p.KCMKey: kcm.keyPEM,
		p.SAPub: pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: saPub}),
		p.SAKey: pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(saKey)}),
	}
	for path, data := range files {
		if err := os.WriteFile(path, data, 0o600); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// newCert creates an ECDSA key and a certificate from tmpl, self-signed when
// parent is nil. ECDSA keeps start-up fast; every Kubernetes client takes it.
func newCert(parent *issued, tmpl x509.Certificate) (*issued, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial
	// Back-date a little so that clocks read a moment apart still agree.
	tmpl.NotBefore = time.Now().Add(-time.Hour)
	tmpl.NotAfter = time.Now().Add(365 * 24 * time.Hour)

	signerCert, signerKey := &tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, &tmpl, signerCert, key.Public(), signerKey)
	if err != nil {
		return nil, fmt.Errorf("certificate %q: %w", tmpl.Subject.CommonName, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, err
	}
	return &issued{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}),
	}, nil
}
