package bench

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/qsync/qsync/internal/qualysemu"
)

// Serve starts the emulator holding the live estate of the n-record plan benchmark, writes the
// benchmark's configuration to dir/qsync.yaml and the environment qsync needs (the emulator's URL
// and credentials, QSYNC_SECRET_KEY and the secret variables) to dir/env.sh, says so on log, and
// serves until ctx ends. It is for profiling one qsync process outside Run.
func Serve(ctx context.Context, dir string, n, vaults int, log io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	env := Env("bench-value")
	key := []byte(SecretKey)
	liveE, desiredE := PlanEstates(n, vaults)
	emu, err := StartEmulator(qualysemu.Config{RateUnlimited: true}, liveE, key, env, dir)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	defer emu.Close()
	path, err := desiredE.WriteYAML(dir, Owner)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	vars := map[string]string{"QUALYS_API_URL": emu.URL, "QUALYS_USERNAME": EmuUser, "QUALYS_PASSWORD": EmuPassword,
		"QSYNC_SECRET_KEY": SecretKey, "NO_COLOR": "1"}
	for k, v := range env {
		vars[k] = v
	}
	names := make([]string, 0, len(vars))
	for k := range vars {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "export %s='%s'\n", k, strings.ReplaceAll(vars[k], "'", `'\''`))
	}
	envPath := filepath.Join(dir, "env.sh")
	if err := os.WriteFile(envPath, []byte(b.String()), 0o600); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(log, "serving %d records and %d vaults at %s\nconfiguration: %s\nenvironment:   . %s\n", n, vaults, emu.URL, path, envPath)
	<-ctx.Done()
	return nil
}
