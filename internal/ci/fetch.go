package ci

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/qsync/qsync/internal/safeio"
)

// FetchOptions configure FetchPlan.
type FetchOptions struct {
	// Artifact is the name of the plan artifact (GitHub) or of the plan job (GitLab).
	Artifact string
	// Config is the configuration path the plan must be for.
	Config string
	// Number names the request; 0: the one of the run (see Forge.Request).
	Number int
	// Dir is where PlanFile (and PlanMarkdown, when the artifact has it) are written.
	Dir string
}

// Fetched says which plan FetchPlan wrote.
type Fetched struct {
	Request Request
	Where   string
	Meta    Meta
	Files   []string // paths written
}

// FetchPlan finds the plan reviewed in the request the run belongs to and writes it to
// opts.Dir. The plan must have been stamped (Stamp) for the request's head commit as the API
// reports it now, for opts.Config, and must be the very file stamped; a candidate that fails
// any of these is skipped, and if none is left the error says why each was.
func FetchPlan(ctx context.Context, f Forge, opts FetchOptions) (Fetched, error) {
	req, err := f.Request(ctx, opts.Number)
	if err != nil {
		return Fetched{}, err
	}
	var skipped []string
	var found *Fetched
	var plan, md []byte
	err = f.PlanCandidates(ctx, req, opts.Artifact, func(c Candidate) (bool, error) {
		why, m, p, mdown, err := checkCandidate(ctx, c, req, opts.Config)
		if err != nil {
			return false, err
		}
		if why != "" {
			skipped = append(skipped, c.Where+": "+why)
			return false, nil
		}
		found, plan, md = &Fetched{Request: req, Where: c.Where, Meta: m}, p, mdown
		return true, nil
	})
	if err != nil {
		return Fetched{}, fmt.Errorf("find the plan of %s: %w", req.Noun, err)
	}
	if found == nil {
		msg := fmt.Sprintf("no reviewed plan for %s at its head commit %s (%s %q of a successful run, stamped by qsync ci stamp)",
			req.Noun, req.HeadSHA, f.Name(), opts.Artifact)
		if len(skipped) > 0 {
			msg += "; skipped: " + strings.Join(skipped, "; ")
		}
		return Fetched{}, errors.New(msg + ": push to the request (or re-run its plan) so that its last commit is planned and reviewed")
	}
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return Fetched{}, fmt.Errorf("write the plan: %w", err)
	}
	for name, b := range map[string][]byte{PlanFile: plan, PlanMarkdown: md} {
		if b == nil {
			continue
		}
		p := filepath.Join(opts.Dir, name)
		if err := safeio.WriteFile(p, b, 0o644); err != nil { // never through a symbolic link
			return Fetched{}, fmt.Errorf("write the plan: %w", err)
		}
		found.Files = append(found.Files, p)
	}
	return *found, nil
}

// checkCandidate returns why candidate c is not the reviewed plan of req for config ("" when it
// is), with its meta, plan and markdown.
func checkCandidate(ctx context.Context, c Candidate, req Request, config string) (string, Meta, []byte, []byte, error) {
	mb, err := c.File(ctx, MetaFile)
	if errors.Is(err, os.ErrNotExist) {
		return "not stamped (no " + MetaFile + ")", Meta{}, nil, nil, nil
	}
	if err != nil {
		return "", Meta{}, nil, nil, err
	}
	m, err := parseMeta(mb)
	if err != nil {
		return err.Error(), Meta{}, nil, nil, nil
	}
	switch {
	case m.HeadSHA != req.HeadSHA:
		return fmt.Sprintf("made for commit %s, not the head commit %s", m.HeadSHA, req.HeadSHA), m, nil, nil, nil
	case m.Request != req.Number:
		return fmt.Sprintf("made for request %d", m.Request), m, nil, nil, nil
	case filepath.Clean(m.Config) != filepath.Clean(config):
		return fmt.Sprintf("made for configuration %q, not %q", m.Config, config), m, nil, nil, nil
	}
	plan, err := c.File(ctx, PlanFile)
	if errors.Is(err, os.ErrNotExist) {
		return "no " + PlanFile, m, nil, nil, nil
	}
	if err != nil {
		return "", m, nil, nil, err
	}
	if sum := sha256.Sum256(plan); hex.EncodeToString(sum[:]) != m.PlanSHA256 {
		return PlanFile + " is not the file that was stamped (SHA-256 differs)", m, nil, nil, nil
	}
	md, err := c.File(ctx, PlanMarkdown)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return "", m, nil, nil, err
	}
	return "", m, plan, md, nil
}
