// The kiosk page: the live wiring (pages/live.js) in its mode.
import { startLivePage } from "./live.js";

await startLivePage("kiosk");
