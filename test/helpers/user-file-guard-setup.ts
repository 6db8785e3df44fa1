/** jest setupFilesAfterEnv: every test file but test/user-config's runs with the user's files out of reach. */
import { sep } from 'node:path';
import { installUserFileGuard } from './user-file-guard';

const testPath = expect.getState().testPath ?? '';
if (!testPath.includes(`${sep}test${sep}user-config${sep}`)) afterAll(installUserFileGuard());
