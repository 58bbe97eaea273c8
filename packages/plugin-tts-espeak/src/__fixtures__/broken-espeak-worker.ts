// A worker whose engine cannot load.
throw new Error('no engine here');
