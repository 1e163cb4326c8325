// Package release builds qsync's release files reproducibly: archives with fixed timestamps and
// owners, a SHA256SUMS file in sha256sum's format, and a CycloneDX SBOM generated from the Go build
// info embedded in the binaries (no network needed). The same inputs give the same bytes.
package release

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// File is one file put into an archive.
type File struct {
	Name string // name inside the archive
	Path string // where it is on disk
	Mode os.FileMode
}

// WriteTarGz writes files into a gzip-compressed tar at path, with modTime as every entry's time,
// owner 0:0 and no gzip name or time, so the bytes depend on the contents only.
func WriteTarGz(path string, files []File, modTime time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create archive: %w", err)
	}
	gz, err := gzip.NewWriterLevel(f, gzip.BestCompression)
	if err != nil {
		f.Close()
		return fmt.Errorf("archive %s: %w", path, err)
	}
	tw := tar.NewWriter(gz)
	for _, file := range files {
		data, err := os.ReadFile(file.Path)
		if err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
		hdr := &tar.Header{Name: file.Name, Mode: int64(file.Mode.Perm()), Size: int64(len(data)), ModTime: modTime.UTC(),
			Typeflag: tar.TypeReg, Format: tar.FormatPAX, Uname: "root", Gname: "root"}
		if err := tw.WriteHeader(hdr); err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
		if _, err := tw.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
	}
	for _, c := range []io.Closer{tw, gz, f} {
		if err := c.Close(); err != nil {
			return fmt.Errorf("archive %s: %w", path, err)
		}
	}
	return nil
}

// WriteZip writes files into a zip at path, with modTime as every entry's time.
func WriteZip(path string, files []File, modTime time.Time) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create archive: %w", err)
	}
	zw := zip.NewWriter(f)
	for _, file := range files {
		data, err := os.ReadFile(file.Path)
		if err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
		h := &zip.FileHeader{Name: file.Name, Method: zip.Deflate, Modified: modTime.UTC()}
		h.SetMode(file.Mode)
		w, err := zw.CreateHeader(h)
		if err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
		if _, err := w.Write(data); err != nil {
			f.Close()
			return fmt.Errorf("archive %s: %w", path, err)
		}
	}
	if err := zw.Close(); err != nil {
		f.Close()
		return fmt.Errorf("archive %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("archive %s: %w", path, err)
	}
	return nil
}

// WriteChecksums writes the SHA-256 of each named file in dir to w, sorted by name, in the format
// of "sha256sum" ("HEX  NAME"), so "sha256sum -c SHA256SUMS" verifies them.
func WriteChecksums(w io.Writer, dir string, names []string) error {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	for _, n := range sorted {
		f, err := os.Open(filepath.Join(dir, n))
		if err != nil {
			return fmt.Errorf("checksum: %w", err)
		}
		h := sha256.New()
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return fmt.Errorf("checksum %s: %w", n, err)
		}
		if _, err := fmt.Fprintf(w, "%s  %s\n", hex.EncodeToString(h.Sum(nil)), n); err != nil {
			return fmt.Errorf("checksum %s: %w", n, err)
		}
	}
	return nil
}

// VerifyChecksums checks every line of a SHA256SUMS file against the files in dir and returns
// the names that are missing or differ.
func VerifyChecksums(sums []byte, dir string) ([]string, error) {
	var bad []string
	for _, line := range strings.Split(strings.TrimSpace(string(sums)), "\n") {
		want, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("checksums: malformed line %q", line)
		}
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			bad = append(bad, name)
			continue
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != want {
			bad = append(bad, name)
		}
	}
	return bad, nil
}

// SBOMOptions says what the SBOM describes.
type SBOMOptions struct {
	Name    string    // the main component, e.g. qsync
	Version string    // its release version
	License string    // its SPDX licence ID, e.g. Apache-2.0
	Time    time.Time // the SBOM's timestamp (the release commit's time, for reproducibility)
	// Revision is the VCS revision the release was built from (a property of the main
	// component); "" when unknown.
	Revision string
}

type cdxComponent struct {
	Type       string        `json:"type"`
	BOMRef     string        `json:"bom-ref"`
	Name       string        `json:"name"`
	Version    string        `json:"version"`
	PURL       string        `json:"purl"`
	Licenses   []cdxLicense  `json:"licenses,omitempty"`
	Properties []cdxProperty `json:"properties,omitempty"`
}

type cdxLicense struct {
	License struct {
		ID string `json:"id"`
	} `json:"license"`
}

type cdxProperty struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cdxDependency struct {
	Ref       string   `json:"ref"`
	DependsOn []string `json:"dependsOn"`
}

// SBOM returns a CycloneDX 1.5 JSON SBOM of the modules linked into the binaries whose build
// infos are given (their union, so one SBOM covers every platform's binary). Components are
// sorted; the serial number is derived from the content; the bytes depend only on the inputs.
func SBOM(infos []*debug.BuildInfo, opts SBOMOptions) ([]byte, error) {
	if len(infos) == 0 {
		return nil, fmt.Errorf("sbom: no build info")
	}
	mainPath := infos[0].Main.Path
	deps := map[string]*debug.Module{}
	goVersion := infos[0].GoVersion
	for _, bi := range infos {
		for _, d := range bi.Deps {
			m := d
			if d.Replace != nil {
				m = d.Replace
			}
			deps[m.Path+"@"+m.Version] = m
		}
	}
	keys := make([]string, 0, len(deps))
	for k := range deps {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	mainRef := purl(mainPath, opts.Version)
	main := cdxComponent{Type: "application", BOMRef: mainRef, Name: opts.Name, Version: opts.Version, PURL: mainRef,
		Properties: []cdxProperty{{Name: "go:module", Value: mainPath}, {Name: "go:toolchain", Value: goVersion}}}
	if opts.License != "" {
		var l cdxLicense
		l.License.ID = opts.License
		main.Licenses = []cdxLicense{l}
	}
	if opts.Revision != "" {
		main.Properties = append(main.Properties, cdxProperty{Name: "vcs:revision", Value: opts.Revision})
	}
	// The Go standard library is linked into every binary too, and has its own vulnerabilities:
	// it is a component (pkg:golang/stdlib, as vulnerability scanners name it), listed first.
	var comps []cdxComponent
	var refs []string
	for _, v := range goVersions(infos) {
		ref := purl("stdlib", strings.TrimPrefix(v, "go"))
		comps = append(comps, cdxComponent{Type: "library", BOMRef: ref, Name: "stdlib", Version: strings.TrimPrefix(v, "go"), PURL: ref,
			Properties: []cdxProperty{{Name: "go:toolchain", Value: v}}})
		refs = append(refs, ref)
	}
	for _, k := range keys {
		m := deps[k]
		c := cdxComponent{Type: "library", BOMRef: purl(m.Path, m.Version), Name: m.Path, Version: m.Version, PURL: purl(m.Path, m.Version)}
		if m.Sum != "" {
			c.Properties = []cdxProperty{{Name: "go:sum", Value: m.Sum}}
		}
		comps = append(comps, c)
		refs = append(refs, c.BOMRef)
	}
	doc := map[string]any{
		"bomFormat":   "CycloneDX",
		"specVersion": "1.5",
		"version":     1,
		"metadata": map[string]any{
			"timestamp": opts.Time.UTC().Format(time.RFC3339),
			"tools":     map[string]any{"components": []map[string]string{{"type": "application", "name": "qsync internal/release"}}},
			"component": main,
		},
		"components":   comps,
		"dependencies": []cdxDependency{{Ref: mainRef, DependsOn: refs}},
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("sbom: %w", err)
	}
	sum := sha256.Sum256(body)
	sum[6] = sum[6]&0x0f | 0x50 // a name-based (v5-style) UUID from the content
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	doc["serialNumber"] = fmt.Sprintf("urn:uuid:%s-%s-%s-%s-%s", h[0:8], h[8:12], h[12:16], h[16:20], h[20:32])
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("sbom: %w", err)
	}
	return append(out, '\n'), nil
}

// goVersions returns the toolchains the binaries were built with, sorted, once each.
func goVersions(infos []*debug.BuildInfo) []string {
	seen := map[string]bool{}
	var out []string
	for _, bi := range infos {
		if bi.GoVersion != "" && !seen[bi.GoVersion] {
			seen[bi.GoVersion] = true
			out = append(out, bi.GoVersion)
		}
	}
	sort.Strings(out)
	return out
}

// purl is the package URL of a Go module version.
func purl(path, version string) string {
	return "pkg:golang/" + path + "@" + version
}
