import { loadSettings } from "./config";
import { awsPlatform } from "./programs/aws";
import { localPlatform } from "./programs/local";

// The composition root: validated settings choose the backend, which builds everything and returns the stack outputs.
const settings = loadSettings();

export = settings.environment === "local" ? localPlatform(settings) : awsPlatform(settings);
