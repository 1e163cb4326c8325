// Throwaway measurement tool (never committed): reads the served estate, reports CPU, allocation
// and retained heap of the read, and writes heap and CPU profiles.
package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"time"

	"github.com/qsync/qsync/internal/pipeline"
	"github.com/qsync/qsync/internal/qualysclient"
)

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func main() {
	c, err := qualysclient.New(qualysclient.Config{BaseURL: os.Getenv("QUALYS_API_URL"), Username: os.Getenv("QUALYS_USERNAME"), Password: os.Getenv("QUALYS_PASSWORD"), MaxConcurrency: 2})
	if err != nil {
		panic(err)
	}
	if len(os.Args) > 1 {
		f, _ := os.Create(os.Args[1])
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if n, _ := strconv.Atoi(os.Getenv("REPEAT")); n > 0 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		t0 := cpu()
		for range n {
			if _, err := pipeline.ReadLive(context.Background(), c); err != nil {
				panic(err)
			}
		}
		runtime.ReadMemStats(&after)
		fmt.Printf("repeat %d: cpu/read %v alloc/read %.1f MB\n", n, (cpu()-t0)/time.Duration(n), float64(after.TotalAlloc-before.TotalAlloc)/1e6/float64(n))
		return
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := cpu()
	doc, err := pipeline.ReadLive(context.Background(), c)
	if err != nil {
		panic(err)
	}
	t1 := cpu()
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("objects %d cpu %v alloc %.1f MB retained %.1f MB gcs %d\n", len(doc.Objects), t1-t0,
		float64(after.TotalAlloc-before.TotalAlloc)/1e6, (float64(after.HeapAlloc)-float64(before.HeapAlloc))/1e6, after.NumGC-before.NumGC)
	if len(os.Args) > 2 {
		f, _ := os.Create(os.Args[2])
		pprof.WriteHeapProfile(f)
		f.Close()
	}
	runtime.KeepAlive(doc)
}
