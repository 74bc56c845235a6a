import './ui/facelocal-app';
import './ui/update-prompt';
