"""``python -m tadka.train …`` — what `tadka train`, the review app's Train page and ``accelerate launch``
run; the same flags as `tadka train`."""

import sys

from tadka.train.cli import main

sys.exit(main())
