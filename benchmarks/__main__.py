import sys

if sys.argv[1:2] == ["monitoring"]:
    from benchmarks.monitoring import main

    raise SystemExit(main(sys.argv[2:]))

if sys.argv[1:2] == ["supplies"]:
    from benchmarks.supplies import main

    raise SystemExit(main(sys.argv[2:]))

from benchmarks.roster import main  # noqa: E402

raise SystemExit(main())
