/** Once after the run: fail it if the tests left anything in the temp directory (test/helpers/temp-dir-guard.ts). */
import { finishTempDirGuard } from './helpers/temp-dir-guard';

export default function globalTeardown(): void {
  finishTempDirGuard();
}
