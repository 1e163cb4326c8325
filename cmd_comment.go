package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/qsync/qsync/internal/prcomment"
	qversion "github.com/qsync/qsync/internal/version"
)

// CommentCmd posts a plan (or an apply result) as the one qsync comment of this configuration on
// the current pull request (GitHub Actions) or merge request (GitLab CI), and to the job summary.
type CommentCmd struct {
	File        string `arg:"" optional:"" name:"file" help:"Markdown to post (the output of 'qsync plan --format markdown'), or - for stdin."`
	ApplyResult string `name:"apply-result" placeholder:"FILE" help:"Post the result of 'qsync apply --format json' saved in FILE instead, rendered as markdown (an empty FILE: apply stopped before writing one)."`
	Config      string `env:"QSYNC_CONFIG" default:"." placeholder:"PATH" help:"The configuration path the comment is about: each configuration gets its own comment (with the owner, it names the comment's hidden marker)."`
	Owner       string `env:"QSYNC_OWNER" placeholder:"NAME" help:"The configuration's owner (default: the owner: line of the configuration's YAML)."`
	Number      int    `placeholder:"N" help:"Pull or merge request number (default: the one of the CI event, else the one the commit was merged from)."`
	Artifact    string `placeholder:"WHERE" help:"Where the full text is, named when a body is cut to fit the platform's limit (default: the CI run's artifacts)."`
	Author      string `env:"QSYNC_COMMENT_AUTHOR" placeholder:"LOGIN" help:"GitHub only: the login whose comments qsync may update, when the token cannot say (default: the token's user, else github-actions[bot])."`
	Print       bool   `help:"Print the body to stdout instead of posting it (no CI needed)."`
	NoSummary   bool   `name:"no-summary" help:"Do not append the body to $GITHUB_STEP_SUMMARY."`
}

// Run renders the body and posts it.
func (c *CommentCmd) Run(ctx context.Context, env *Env) error {
	ci := prcomment.CI{Getenv: env.Getenv, UserAgent: "qsync/" + qversion.Current(version).String()}
	owner := c.Owner
	if owner == "" {
		o, err := prcomment.OwnerOf(c.Config)
		if err != nil {
			return err
		}
		if o == "" {
			return fmt.Errorf("no owner: %s declares none; pass --owner or set QSYNC_OWNER", c.Config)
		}
		owner = o
	}
	rc := prcomment.RenderContext{Owner: owner, Commit: ci.Commit(), RunURL: ci.RunURL()}
	kind, body, err := c.body(env, rc)
	if err != nil {
		return err
	}
	if c.Print {
		_, err := io.WriteString(env.Stdout, body)
		return err
	}
	if err := c.summary(env, body); err != nil {
		return err
	}
	p, err := ci.Platform(ctx, c.Number)
	if err != nil {
		return fmt.Errorf("comment: %w", err)
	}
	if gh, ok := p.(*prcomment.GitHub); ok {
		gh.Author = c.Author
	}
	where := c.Artifact
	if where == "" && rc.RunURL != "" {
		where = "the artifacts of [this run](" + rc.RunURL + ")"
	}
	m := prcomment.Marker{Kind: kind, Owner: owner, Config: c.Config}
	out, err := prcomment.Post(ctx, p, m, body, where)
	if err != nil {
		return err
	}
	verb := "Created"
	if out.Updated {
		verb = "Updated"
	}
	fmt.Fprintf(env.Stderr, "%s the qsync %s comment for %s on %s", verb, kind, c.Config, p.Request())
	if out.Comment.URL != "" {
		fmt.Fprintf(env.Stderr, ": %s", out.Comment.URL)
	}
	fmt.Fprintln(env.Stderr)
	if out.Truncated {
		fmt.Fprintf(env.Stderr, "qsync: the body was shortened to %s's limit of %d characters\n", p.Name(), p.Limit())
	}
	if out.Skipped > 0 {
		fmt.Fprintf(env.Stderr, "qsync: left alone %d comment(s) by other users carrying the same marker\n", out.Skipped)
	}
	return nil
}

// body returns the comment's kind and markdown, with a footer naming the commit.
func (c *CommentCmd) body(env *Env, rc prcomment.RenderContext) (prcomment.Kind, string, error) {
	switch {
	case c.ApplyResult != "" && c.File != "":
		return "", "", errors.New("give either FILE or --apply-result, not both")
	case c.ApplyResult != "":
		data, err := os.ReadFile(c.ApplyResult)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", "", fmt.Errorf("read the apply result: %w", err)
		}
		// A missing or empty file: apply stopped before writing its result.
		r, err := prcomment.DecodeApplyReport(data)
		if err != nil {
			return "", "", fmt.Errorf("%s: %w", c.ApplyResult, err)
		}
		var b bytes.Buffer
		if err := prcomment.RenderApply(&b, r, rc); err != nil {
			return "", "", err
		}
		return prcomment.KindApply, b.String(), nil
	case c.File == "":
		return "", "", errors.New("nothing to post: give FILE (- for stdin) or --apply-result FILE")
	}
	var data []byte
	var err error
	if c.File == "-" {
		data, err = io.ReadAll(env.Stdin)
	} else {
		data, err = os.ReadFile(c.File)
	}
	missing := errors.Is(err, os.ErrNotExist) && c.File != "-"
	if err != nil && !missing {
		return "", "", fmt.Errorf("read the comment body: %w", err)
	}
	body := strings.TrimRight(string(data), "\n") + "\n"
	if strings.TrimSpace(body) == "" {
		// No plan.md (an earlier step such as validate failed) or an empty one (plan died before
		// writing): the last good plan must not stay standing as if it were current.
		why := fmt.Sprintf("%s is empty: qsync plan stopped before writing a plan; see the job log.", c.File)
		if missing {
			why = fmt.Sprintf("%s does not exist: no plan was made (an earlier step, e.g. qsync validate, failed); see the job log.", c.File)
		}
		var b bytes.Buffer
		if err := prcomment.RenderFailure(&b, "qsync plan", why, rc); err != nil {
			return "", "", err
		}
		return prcomment.KindPlan, b.String(), nil
	}
	if rc.Commit != "" {
		body += fmt.Sprintf("\n<sub>Plan for commit `%s`. Merging applies exactly this plan, or refuses it if Qualys or the configuration changed since.</sub>\n", rc.Commit)
	}
	return prcomment.KindPlan, body, nil
}

// summary appends body to the GitHub Actions job summary, when the job has one.
func (c *CommentCmd) summary(env *Env, body string) error {
	path := env.Getenv("GITHUB_STEP_SUMMARY")
	if c.NoSummary || path == "" {
		return nil
	}
	text, _ := prcomment.Fit(body, prcomment.SummaryLimit/4, "the job's artifacts") // 4 bytes per character at most
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("job summary: %w", err)
	}
	if _, err := io.WriteString(f, text+"\n"); err != nil {
		f.Close()
		return fmt.Errorf("job summary %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("job summary %s: %w", path, err)
	}
	return nil
}
