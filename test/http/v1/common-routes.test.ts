// Every /v1 route through the shared auth/limit suite.
import { runCommonRouteTests, V1_ROUTES } from './common'

runCommonRouteTests(V1_ROUTES)
